package loyalty

// StopAfter makes each redemption of s stop after step ("claim",
// "spend", "stock", "give" or "given") as if its process died there;
// "" lets them run.
func StopAfter(s *Service, step string) { s.stopAfter = step }
