package auth

import "context"

// Traces are what marks an account as one person's: the addresses it
// holds (its primary email and what its identities report, each with
// whether it was verified) and its identities' ids. Fraud checks compare
// two accounts' traces.
type Traces struct {
	Emails     []TracedEmail
	Identities []string // provider:subject
}

// TracedEmail is one address an account holds.
type TracedEmail struct {
	Address  string // lower-cased
	Verified bool
}

// TracesOf reads account a's traces: the account and its identities,
// two reads.
func (s *Service) TracesOf(ctx context.Context, a AccountID) (Traces, error) {
	acc, err := s.findAccount(ctx, a)
	if err != nil {
		return Traces{}, err
	}
	ids, err := s.accountIdentities(ctx, a)
	if err != nil {
		return Traces{}, err
	}
	var t Traces
	if acc.Email != "" {
		t.Emails = append(t.Emails, TracedEmail{Address: acc.Email, Verified: acc.EmailVerified})
	}
	for _, d := range ids {
		t.Identities = append(t.Identities, d.ID)
		if d.Email != "" {
			t.Emails = append(t.Emails, TracedEmail{Address: d.Email, Verified: d.EmailVerified})
		}
	}
	return t, nil
}
