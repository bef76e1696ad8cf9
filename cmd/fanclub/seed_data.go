package main

import "fanclub/community"

// The demo club belongs to a made-up coffee brand, 달빛 커피 (Dalbit
// Coffee). Everything here is fiction; every address is @example.com.

// demoAdmin is the site owner the seed creates first.
const (
	demoAdminEmail = "admin@example.com"
	demoAdminName  = "운영팀 Admin"
	premiumTier    = "premium"
)

// demoPerson is one member of the demo club.
type demoPerson struct {
	email, name, locale string
}

// demoPeople are the 50 members: 25 with Korean names who write in
// Korean, 25 with English names who write in English.
var demoPeople = []demoPerson{
	{"minji.kim@example.com", "김민지", "ko"}, {"emma.lee@example.com", "Emma Lee", "en"},
	{"seojun.lee@example.com", "이서준", "ko"}, {"liam.park@example.com", "Liam Park", "en"},
	{"jiwoo.park@example.com", "박지우", "ko"}, {"olivia.brown@example.com", "Olivia Brown", "en"},
	{"haeun.choi@example.com", "최하은", "ko"}, {"noah.smith@example.com", "Noah Smith", "en"},
	{"doyoon.jung@example.com", "정도윤", "ko"}, {"ava.johnson@example.com", "Ava Johnson", "en"},
	{"seoyeon.kang@example.com", "강서연", "ko"}, {"ethan.kim@example.com", "Ethan Kim", "en"},
	{"yejun.cho@example.com", "조예준", "ko"}, {"mia.garcia@example.com", "Mia Garcia", "en"},
	{"jiho.yoon@example.com", "윤지호", "ko"}, {"lucas.martin@example.com", "Lucas Martin", "en"},
	{"sua.jang@example.com", "장수아", "ko"}, {"sophia.chen@example.com", "Sophia Chen", "en"},
	{"siwoo.lim@example.com", "임시우", "ko"}, {"james.wilson@example.com", "James Wilson", "en"},
	{"jimin.han@example.com", "한지민", "ko"}, {"isabella.rossi@example.com", "Isabella Rossi", "en"},
	{"yuna.oh@example.com", "오유나", "ko"}, {"benjamin.clark@example.com", "Benjamin Clark", "en"},
	{"junwoo.seo@example.com", "서준우", "ko"}, {"charlotte.davis@example.com", "Charlotte Davis", "en"},
	{"daeun.shin@example.com", "신다은", "ko"}, {"henry.walker@example.com", "Henry Walker", "en"},
	{"hyunwoo.kwon@example.com", "권현우", "ko"}, {"amelia.wright@example.com", "Amelia Wright", "en"},
	{"chaewon.hwang@example.com", "황채원", "ko"}, {"daniel.choi@example.com", "Daniel Choi", "en"},
	{"jihoon.ahn@example.com", "안지훈", "ko"}, {"harper.hall@example.com", "Harper Hall", "en"},
	{"soyul.song@example.com", "송소율", "ko"}, {"jack.turner@example.com", "Jack Turner", "en"},
	{"gunwoo.ryu@example.com", "류건우", "ko"}, {"grace.evans@example.com", "Grace Evans", "en"},
	{"harin.jeon@example.com", "전하린", "ko"}, {"samuel.green@example.com", "Samuel Green", "en"},
	{"minjae.hong@example.com", "홍민재", "ko"}, {"chloe.baker@example.com", "Chloe Baker", "en"},
	{"eunseo.ko@example.com", "고은서", "ko"}, {"oliver.scott@example.com", "Oliver Scott", "en"},
	{"taeyoon.moon@example.com", "문태윤", "ko"}, {"lily.adams@example.com", "Lily Adams", "en"},
	{"jia.yang@example.com", "양지아", "ko"}, {"leo.nguyen@example.com", "Leo Nguyen", "en"},
	{"seungmin.bae@example.com", "배승민", "ko"}, {"zoe.mitchell@example.com", "Zoe Mitchell", "en"},
}

// demoGroup is one group of the demo club: the form an admin fills in,
// how many posts its members write, and answers to its question.
type demoGroup struct {
	in      community.GroupInput
	posts   int
	answers map[string][]string // by locale, approval groups only
}

// demoGroups are three groups of each join policy. Two invitation-only
// groups are unlisted: nobody else could find the others to ask in.
var demoGroups = []demoGroup{
	{in: community.GroupInput{Slug: "new-releases", Name: "신제품 소식 · New Releases", Color: "violet",
		Visibility: community.Listed, Policy: community.JoinOpen,
		Description: "달빛 커피의 **신제품**과 시즌 한정 원두 소식을 가장 먼저 전해요.\n\n" +
			"Be the first to hear about **new releases** and seasonal beans.\n\n" +
			"- 출시 일정 · release dates\n- 시음 후기 · tasting notes\n- 재입고 알림 · restocks"},
		posts: 8},
	{in: community.GroupInput{Slug: "brewing", Name: "Brewing Tips · 홈카페 레시피", Color: "teal",
		Visibility: community.Listed, Policy: community.JoinOpen,
		Description: "Pour-over, AeroPress, moka pot, cold brew: share your **recipes** and ask anything.\n\n" +
			"핸드드립부터 콜드브루까지, 집에서 내리는 모든 커피 이야기.\n\n" +
			"Start with our [brewing guide](https://example.com/guide)."},
		posts: 8},
	{in: community.GroupInput{Slug: "lounge", Name: "자유 라운지", Color: "orange",
		Visibility: community.Listed, Policy: community.JoinOpen,
		Description: "무엇이든 편하게 이야기하는 곳이에요. *Anything goes — just be kind.*\n\n" +
			"글을 쓰기 전에 [커뮤니티 가이드](https://example.com/guidelines)를 읽어 주세요."},
		posts: 8},
	{in: community.GroupInput{Slug: "beta-testers", Name: "베타 테스터 · Beta Testers", Color: "blue",
		Visibility: community.Listed, Policy: community.JoinApproval,
		Question: "집에서 어떤 추출 도구를 쓰시나요? Which brewing gear do you use at home?",
		Description: "새 그라인더와 앱 기능을 **먼저 써 보고** 솔직한 의견을 남겨 주세요.\n\n" +
			"Try new gear and app features **before anyone else** and tell us what you think."},
		posts:   5,
		answers: map[string][]string{"ko": {"V60이랑 칼리타로 핸드드립해요.", "에어로프레스와 모카포트를 번갈아 써요.", "반자동 에스프레소 머신을 써요."}, "en": {"A V60 and a hand grinder.", "AeroPress every morning, French press at weekends.", "A home espresso machine and a burr grinder."}}},
	{in: community.GroupInput{Slug: "creators", Name: "Creators Circle", Color: "pink",
		Visibility: community.Listed, Policy: community.JoinApproval,
		Question: "Share a link to a photo, video or post you made about coffee. 직접 만든 콘텐츠 링크를 알려 주세요.",
		Description: "For members who **photograph, film and write** about coffee.\n\n" +
			"커피 사진, 영상, 글을 만드는 분들의 모임이에요. 협업 제안도 여기서 받아요."},
		posts:   5,
		answers: map[string][]string{"ko": {"인스타그램에 라떼아트 사진을 올려요: https://example.com/@latte", "카페 투어 블로그를 써요: https://example.com/blog", "유튜브에 홈카페 영상을 올려요."}, "en": {"I post latte art on https://example.com/@art", "I write a small brewing newsletter.", "Coffee photography, mostly film: https://example.com/photos"}}},
	{in: community.GroupInput{Slug: "seoul-meetups", Name: "서울 번개 모임", Color: "green",
		Visibility: community.Listed, Policy: community.JoinApproval,
		Question: "주로 어느 동네에서 만나기 편하세요? Which part of Seoul suits you?",
		Description: "서울에서 만나는 **오프라인 모임**이에요. 카페 투어, 커핑, 라떼아트 연습.\n\n" +
			"Offline meetups in Seoul: café tours, cuppings and latte art practice."},
		posts:   5,
		answers: map[string][]string{"ko": {"성수동이나 연남동이 편해요.", "강남역 근처면 언제든 좋아요.", "을지로, 종로 쪽이요."}, "en": {"Anywhere near Hongdae.", "Itaewon or Hannam, usually weekends.", "Gangnam after work."}}},
	{in: community.GroupInput{Slug: "ambassadors", Name: "앰배서더 · Ambassadors", Color: "red",
		Visibility: community.Unlisted, Policy: community.JoinInvite,
		Description: "달빛 커피 **앰배서더**를 위한 비공개 공간이에요. 캠페인 일정과 자료를 공유해요.\n\n" +
			"A private space for our **ambassadors**: campaign dates and materials."},
		posts: 5},
	{in: community.GroupInput{Slug: "product-council", Name: "Product Council · 제품 자문단", Color: "slate",
		Visibility: community.Unlisted, Policy: community.JoinInvite,
		Description: "A small circle that reviews **prototypes** with our product team.\n\n" +
			"제품팀과 함께 시제품을 먼저 보고 의견을 나누는 자문단이에요. 내용은 외부에 공유하지 말아 주세요."},
		posts: 5},
	{in: community.GroupInput{Slug: "roasters-table", Name: "로스터스 테이블 · Roasters' Table", Color: "orange",
		Visibility: community.Listed, Policy: community.JoinInvite,
		Description: "로스터와 함께하는 **초대제** 테이블. 로스팅 프로파일과 생두 이야기를 나눠요.\n\n" +
			"Invitation only: talk roast profiles and green beans with our roasters."},
		posts: 5},
	{in: community.GroupInput{Slug: "premium-lounge", Name: "프리미엄 라운지 · Premium Lounge", Color: "violet",
		Visibility: community.Listed, Policy: community.JoinTier, RequiredTier: premiumTier,
		Description: "**프리미엄 멤버** 전용 라운지. 멤버 전용 원두와 할인 소식을 가장 먼저 받아 보세요.\n\n" +
			"For **premium members**: member-only beans and offers, first."},
		posts: 5},
	{in: community.GroupInput{Slug: "early-access", Name: "Early Access · 얼리 액세스", Color: "blue",
		Visibility: community.Listed, Policy: community.JoinTier, RequiredTier: premiumTier,
		Description: "Premium members order **limited lots** a week before everyone else.\n\n" +
			"프리미엄 멤버는 한정 원두를 일주일 먼저 주문할 수 있어요."},
		posts: 4},
	{in: community.GroupInput{Slug: "cupping-class", Name: "온라인 커핑 클래스 · Cupping Class", Color: "teal",
		Visibility: community.Listed, Policy: community.JoinTier, RequiredTier: premiumTier,
		Description: "매달 집으로 샘플 키트를 보내 드리고 **온라인으로 함께 커핑**해요.\n\n" +
			"Monthly sample kits and a live online cupping. 1. Slurp 2. Note 3. Share."},
		posts: 4},
}

// welcomePost is the admin's first, pinned post in every group.
func welcomePost(name string) string {
	return "**" + name + "**에 오신 걸 환영해요! 👋\n\n" +
		"- 서로 존중해 주세요\n- 광고나 스팸은 신고 버튼으로 알려 주세요\n\n" +
		"Welcome to **" + name + "**! Please be kind, and report spam with the report button. " +
		"[Community guidelines](https://example.com/guidelines)"
}

// demoPosts are what members write, by locale. "{mention}" becomes an
// @mention of another member of the group.
var demoPosts = map[string][]string{
	"ko": {
		"이번 주말에 **에티오피아 예가체프** 핸드드립 해봤는데 산미가 정말 좋네요 ☕\n\n- 원두 15g\n- 물 250ml, 92도\n- 2분 30초\n\n다들 어떤 레시피 쓰세요?",
		"{mention}님이 추천해 주신 그라인더 드디어 샀어요! 분쇄도 맞추는 데 며칠 걸렸지만 이제 만족합니다 😊",
		"시즌 한정 **겨울 블렌드** 벌써 품절이라니… 재입고 소식 아시는 분 계신가요?",
		"오늘 성수 매장 다녀왔어요. 라떼아트 클래스도 열린다고 하네요. 자세한 건 [매장 안내](https://example.com/stores)에서 확인하세요!",
		"콜드브루는 **굵은 분쇄**가 핵심이더라고요.\n\n1. 원두 100g, 굵게 분쇄\n2. 찬물 1L\n3. 냉장고에서 12~16시간\n\n진하게 드시려면 원두를 조금 더 넣으세요.",
		"처음 가입했어요! 커피 입문 3개월 차인데 잘 부탁드립니다 🙇",
		"디카페인 원두 중에 맛있는 거 추천 부탁드려요. 저녁에도 한 잔 하고 싶어서요.",
		"{mention}님, 지난번 모임에서 말씀하신 드리퍼가 어떤 거였죠? 계속 생각나요 ㅎㅎ",
		"텀블러 신상 색깔 너무 예뻐요. **라벤더** 색 사신 분 후기 궁금합니다!",
		"원두 보관은 어떻게 하세요? 밀폐용기에 담아 서늘한 곳에 두는데 2주 넘으면 향이 확 빠지는 것 같아요.",
		"오늘의 한 잔: 케냐 AA, 플랫바텀 드리퍼. 자몽 같은 산미가 확 올라와요 🍊",
		"**공지 요약**: 다음 달부터 멤버 전용 시음회가 매주 목요일에 열린대요. 신청은 선착순이에요!",
		"에스프레소 머신 입문용으로 뭐가 좋을까요? 예산은 50만 원 정도예요.\n\n- 세척이 쉬웠으면 좋겠고\n- 스팀 기능은 꼭 있었으면 해요",
		"비 오는 날엔 역시 따뜻한 카페라떼죠. 다들 오늘 뭐 드셨어요? ☔",
		"{mention}님 레시피대로 해 봤는데 진짜 맛있어요! 물 온도가 이렇게 중요한지 몰랐네요.",
		"앱에서 정기배송 주기를 바꾸는 메뉴를 못 찾겠어요. 혹시 아시는 분?",
		"라떼아트 연습 2주 차… 하트는 이제 좀 나오는데 로제타는 아직 멀었네요 😂",
		"로스팅 날짜 확인하는 법 공유해요: 봉투 뒷면 아래쪽에 **R.D.** 표시가 있어요.",
		"회사에 핸드드립 세트를 가져가서 동료들한테 한 잔씩 내려 줬더니 반응이 좋았어요 😄",
		"다음 시즌 원두 투표가 있다면 저는 **과테말라**에 한 표!",
		"이번 신제품 패키지 디자인 정말 예쁘네요. 선물용으로도 좋을 것 같아요 🎁",
		"모카포트 쓰시는 분 계신가요? 불 조절 팁 좀 알려 주세요.",
		"커피 찌꺼기로 방향제를 만들어 봤어요. 신발장에 두니까 냄새가 싹 사라지네요!",
		"{mention}님 덕분에 커핑이라는 걸 처음 알았어요. 다음에 같이 해요!",
		"우유 대신 **오트밀크**로 라떼 만들어 보신 분? 어떤 브랜드가 스팀이 잘 되나요?",
		"아침마다 에어로프레스로 한 잔씩 내리는데 인버티드 방식이 저한테는 더 맞더라고요.",
		"매장 직원분이 추천해 주신 콜롬비아 원두가 인생 원두가 됐습니다 ✨",
		"멤버 전용 할인 쿠폰 이번 달 것 받으셨나요? 저는 아직 메일이 안 왔어요.",
		"물이 커피 맛을 좌우한다고 해서 정수기 필터를 바꿨더니 확실히 달라요.",
		"오늘 처음으로 원두를 직접 갈아서 내려 봤어요. 향이 집 안 가득 ☕💕",
	},
	"en": {
		"Tried the new **Yirgacheffe** as a pour-over this morning and wow, the acidity is lovely ☕\n\n- 15 g coffee\n- 250 ml water at 92 °C\n- 2:30 total\n\nWhat recipes are you all using?",
		"Finally bought the grinder {mention} recommended. Took a few days to dial in, but I'm really happy with it now!",
		"The limited **Winter Blend** sold out already?! Does anyone know when it's back?",
		"Visited the Seongsu store today: they're starting latte art classes. Details on the [store page](https://example.com/stores).",
		"Cold brew tip: **coarse grind** is everything.\n\n1. 100 g coffee, coarse\n2. 1 L cold water\n3. 12–16 hours in the fridge\n\nAdd more coffee if you like it strong.",
		"Hi all! New here, three months into my coffee journey. Happy to learn from you 👋",
		"Any decaf that actually tastes good? I'd love an evening cup.",
		"{mention}, which dripper were you talking about at the last meetup? I can't stop thinking about it 😄",
		"The new tumbler colours are gorgeous. Anyone got the **lavender** one yet?",
		"How do you store your beans? Mine live in an airtight jar somewhere cool, but after two weeks the aroma fades.",
		"Today's cup: Kenya AA on a flat-bottom dripper. Grapefruit notes all the way 🍊",
		"**Heads up**: member-only tastings start next month, every Thursday. First come, first served!",
		"Looking for a first espresso machine, budget around $400.\n\n- easy to clean\n- must have a steam wand\n\nSuggestions welcome!",
		"Rainy day means hot latte day. What's everyone drinking? ☔",
		"Followed {mention}'s recipe and it's amazing. I had no idea water temperature mattered this much.",
		"I can't find where to change my subscription delivery interval in the app. Anyone?",
		"Week two of latte art practice… hearts are OK now, rosettas not so much 😂",
		"PSA: the roast date is on the back of the bag, bottom corner, marked **R.D.**",
		"Brought a pour-over kit to the office and made everyone a cup. Instant fans 😄",
		"If there's a vote for next season's single origin, mine goes to **Guatemala**!",
		"The packaging on the new release is beautiful, perfect as a gift 🎁",
		"Any moka pot users here? Tips on heat control, please.",
		"Made an air freshener from used coffee grounds. In the shoe cabinet it works like magic!",
		"Thanks to {mention} I learned what cupping is. Let's do one together sometime!",
		"Anyone tried **oat milk** lattes? Which brand steams best?",
		"AeroPress every morning here. The inverted method works better for me.",
		"The Colombian beans the barista recommended are now my all-time favourite ✨",
		"Did everyone get this month's member coupon? Mine hasn't arrived yet.",
		"Changed my water filter because people said water matters. It really does.",
		"Ground my own beans for the first time today. The whole flat smells amazing ☕",
	},
}

// demoGreetings, demoComments and demoReplies are what members answer,
// by locale: to a welcome post, to a post, to a comment.
var (
	demoGreetings = map[string][]string{
		"ko": {"반가워요! 잘 부탁드려요 🙌", "가입했어요. 좋은 이야기 많이 나눠요!", "안녕하세요, 오래 기다렸어요 😊", "드디어 가입했어요!"},
		"en": {"Hello everyone! 👋", "Happy to be here!", "Hi all, looking forward to this ☕", "Thanks for having me!"},
	}
	demoComments = map[string][]string{
		"ko": {"저도 궁금했어요!", "좋은 정보 감사합니다 🙏", "와 사진도 올려 주세요!", "저는 93도로 내리는데 비슷한 맛이 나요.",
			"완전 공감해요 ㅎㅎ", "다음 모임 때 가져와 주세요!", "저도 그 원두 정말 좋아해요.", "**꿀팁** 감사합니다!",
			"오 이거 해 봐야겠어요.", "매장에 물어보니 다음 주에 재입고된대요.", "저는 분쇄를 조금 더 가늘게 해요.",
			"링크 공유 감사해요!", "저도 같은 문제가 있었는데 앱 업데이트하니 해결됐어요.", "이건 저장해 둬야겠네요 📌",
			"맛 표현이 너무 좋아요 ㅋㅋ", "다음엔 같이 가요!", "저도 입문자라 반가워요!", "혹시 레시피 자세히 알려 주실 수 있나요?"},
		"en": {"I was wondering the same!", "Thanks for sharing 🙏", "Pics or it didn't happen!", "I brew at 93 °C and get something similar.",
			"So true 😄", "Bring some to the next meetup!", "Love that one too.", "Great **tip**, thanks!",
			"Going to try this tomorrow.", "The store told me it's back next week.", "I do it slightly differently: a finer grind.",
			"Thanks for the link!", "Had the same issue; updating the app fixed it.", "Saving this 📌",
			"Your tasting notes are poetry 😂", "Let's go together next time!", "Fellow beginner here, welcome!", "Could you share the full recipe?"},
	}
	demoReplies = map[string][]string{
		"ko": {"맞아요, 저도 그렇게 생각해요.", "오 좋은 방법이네요!", "그거 저도 해 봤는데 괜찮았어요.", "감사합니다 😊", "다음에 꼭 알려 드릴게요!", "ㅋㅋㅋ 공감 100%"},
		"en": {"Exactly what I thought.", "Oh, nice trick!", "Tried that too, works well.", "Thank you 😊", "Will let you know next time!", "Haha, 100% agree"},
	}
)

// The content that gets reported: an ad in the lounge and a rude comment.
const (
	demoSpamPost    = "🔥 **최저가** 원두 할인 코드 팝니다! 관심 있으면 DM 주세요 → [바로가기](https://example.com/deal)"
	demoSpamNote    = "광고 글 같아요."
	demoRudeComment = "Honestly this is the worst recipe I've seen. Do you even taste your coffee?"
	demoRudeNote    = "Unkind to a new member."
)

// The crowd's names (seed_history.go): Korean family and given names with
// their romanisation, for addresses, and English ones.
var (
	crowdKoreanFamily = [][2]string{{"김", "kim"}, {"이", "lee"}, {"박", "park"}, {"최", "choi"}, {"정", "jung"},
		{"강", "kang"}, {"조", "cho"}, {"윤", "yoon"}, {"장", "jang"}, {"임", "lim"}, {"한", "han"}, {"오", "oh"},
		{"서", "seo"}, {"신", "shin"}, {"권", "kwon"}, {"황", "hwang"}, {"안", "ahn"}, {"송", "song"}, {"류", "ryu"},
		{"홍", "hong"}, {"문", "moon"}, {"양", "yang"}, {"배", "bae"}, {"백", "baek"}, {"허", "heo"}, {"남", "nam"}}
	crowdKoreanGiven = [][2]string{{"서윤", "seoyun"}, {"지안", "jian"}, {"하윤", "hayun"}, {"은우", "eunwoo"},
		{"도현", "dohyun"}, {"수빈", "subin"}, {"예린", "yerin"}, {"민서", "minseo"}, {"지유", "jiyu"}, {"태민", "taemin"},
		{"현서", "hyunseo"}, {"윤서", "yunseo"}, {"준서", "junseo"}, {"다인", "dain"}, {"시은", "sieun"}, {"가은", "gaeun"},
		{"주원", "juwon"}, {"유진", "yujin"}, {"승우", "seungwoo"}, {"나연", "nayeon"}, {"재윤", "jaeyun"}, {"소연", "soyeon"},
		{"동현", "donghyun"}, {"하람", "haram"}, {"채은", "chaeeun"}, {"민호", "minho"}, {"보람", "boram"}, {"성민", "sungmin"},
		{"지수", "jisu"}, {"아린", "arin"}}
	crowdEnglishGiven = []string{"Ella", "Jacob", "Nora", "Ryan", "Hannah", "Owen", "Ruby", "Max", "Alice", "Adam",
		"Ivy", "Nathan", "Clara", "Theo", "Maya", "Caleb", "Eva", "Isaac", "Stella", "Luke", "Violet", "Aaron", "Hazel",
		"Finn", "Naomi", "Elijah", "Leah", "Connor", "Julia", "Sam"}
	crowdEnglishFamily = []string{"Foster", "Hughes", "Reed", "Price", "Bennett", "Cooper", "Ward", "Brooks", "Kelly",
		"Howard", "Perry", "Long", "Patel", "Sanders", "Ross", "Myers", "Ford", "Hayes", "Jenkins", "Powell", "Russell",
		"Griffin", "Wood", "Barnes", "Fisher", "Henderson", "Coleman", "Silva", "Moreno", "Ito"}
)
