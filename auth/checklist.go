package auth

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	fmail "fanclub/internal/mail"
)

// checklistID is the _id of the site document saying the owners'
// first-hour checklist was put away, beside the settings.
const checklistID = "checklist"

// ChecklistDismissed reports whether staff put the first-hour checklist
// away: one lookup by _id.
func (s *Service) ChecklistDismissed(ctx context.Context) (bool, error) {
	err := s.site.FindOne(ctx, bson.M{"_id": checklistID}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("auth: read checklist: %w", err)
	}
	return true, nil
}

// DismissChecklist puts the first-hour checklist away for good, as by's.
func (s *Service) DismissChecklist(ctx context.Context, by AccountID) error {
	_, err := s.site.UpdateOne(ctx, bson.M{"_id": checklistID},
		bson.M{"$setOnInsert": bson.M{"dismissedBy": by, "dismissedAt": s.now()}}, options.Update().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("auth: dismiss checklist: %w", err)
	}
	return nil
}

// SendTestMail sends a short mail to the account's address, in locale
// ("ko" or "en"), so staff see that the site's mail reaches them. The
// error is the mail server's, for staff to read.
func (s *Service) SendTestMail(ctx context.Context, to Account, locale string) error {
	if to.Email == "" {
		return ValidationError{"email": "validation.email.required"}
	}
	// The subject and signature get the club's name from the mailer.
	m := fmail.Message{To: to.Email, Locale: "en", Subject: "Test mail",
		Text: "This is a test mail from your club. If you can read it, the site's mail works.\n" + s.baseURL + "\n"}
	if locale == "ko" {
		m.Locale, m.Subject = "ko", "테스트 메일"
		m.Text = "클럽에서 보낸 테스트 메일입니다. 이 메일이 보이면 사이트의 메일 발송이 제대로 되는 것입니다.\n" + s.baseURL + "\n"
	}
	return s.mailer.Send(ctx, m)
}
