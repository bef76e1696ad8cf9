package views

import (
	"testing"

	"fanclub/community"
	"fanclub/membership"
)

// TestDynamicKeysExist checks the keys templates build with key(): every
// value of each fixed set has its text in every language.
func TestDynamicKeysExist(t *testing.T) {
	cs, err := LoadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Locales {
		for _, k := range dynamicKeys() {
			if _, ok := cs[l][k]; !ok {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}

// dynamicKeys lists every key the code builds from a prefix and a value
// of a fixed set. TestDynamicPrefixesListed makes sure each prefix the
// code builds keys from has its set here.
func dynamicKeys() []string {
	var keys []string
	add := func(prefix string, names ...string) {
		for _, n := range names {
			keys = append(keys, prefix+n)
		}
	}
	for _, r := range community.Reactions {
		add("reaction.", string(r))
	}
	add("color.", community.CoverColors...)
	add("group.policy.", "open", "approval", "invite", "tier")
	add("groupform.visibility.", "listed", "unlisted")
	for d := range community.MuteDurations {
		add("moderation.duration.", d)
	}
	for _, r := range community.ReportReasons {
		add("report.reason.", string(r))
	}
	add("moderation.action.", "hide", "restore", "approve", "lock", "unlock", "pin", "unpin", "remove", "mute", "unmute", "ban", "unban")
	add("flash.moderated.", "hide", "restore", "approve", "lock", "unlock", "pin", "unpin", "remove", "mute", "unmute", "ban", "unban", "dismiss")
	for _, a := range community.AuditActions {
		keys = append(keys, actionKey(a))
	}
	for _, k := range []community.NoticeKind{community.NoticeReply, community.NoticeMention, community.NoticeJoinApproved,
		community.NoticeJoinDeclined, community.NoticeJoinRequest, community.NoticeInvited, community.NoticeIdeaStatus, community.NoticeIdeaResponse,
		community.NoticeIdeaMerged, community.NoticeIdeaComment, community.NoticeBrandMessage, community.NoticePointsExpiring,
		community.NoticeBirthday, community.NoticeAnniversary, community.NoticeBirthdayGift} {
		add("notifications.kind.", string(k))
	}
	add("notifications.kind.", "anniversary_one")
	for _, r := range NameRoles {
		keys = append(keys, roleBadgeKey(r))
	}
	add("loyalty.earning.", Earnings...)
	add("loyalty.reason.", "undo", "redo", "adjust", "redeem", "refund", "expire", "grade")
	add("idea.sort.", community.BoardSorts...)
	for _, st := range community.IdeaStatuses {
		keys = append(keys, statusKey(st))
	}
	for _, acc := range []community.EventAccess{community.AccessMembers, community.AccessTier, community.AccessInvited} {
		add("event.access.", string(acc))
	}
	intervals := []string{"day", "week", "month", "year"} // what priceText lets through
	add("pricing.per.", intervals...)
	add("pricing.every.", intervals...)
	for _, src := range []membership.Source{membership.SourceComp, membership.SourceGift} {
		add("pricing.plan.", string(src), string(src)+"_forever")
	}
	add("subscribers.status.", SubscriberStatuses...)
	add("loyalty_rewards.kind.", RewardKinds...)
	add("loyalty_rewards.kind_hint.", RewardKinds...)
	add("loyalty_rewards.what.", "code", "gift")
	add("campaigns.action.", CampaignActions...)
	for _, st := range ReferralStatuses {
		keys = append(keys, referralStatusKey(st))
	}
	add("campaigns.action_hint.", CampaignActions...)
	for _, src := range []membership.Source{membership.SourceNone, membership.SourcePaid, membership.SourceTrial,
		membership.SourceGrace, membership.SourceComp, membership.SourceGift} {
		keys = append(keys, sourceKey(src))
	}
	return keys
}
