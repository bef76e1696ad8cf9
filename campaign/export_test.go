package campaign

// JobFanOut is the fan-out's kind, for tests that queue it again as a
// second instance or a retry would.
const JobFanOut = jobFanOut

// DaysLeft is daysLeft, for its table test.
var DaysLeft = daysLeft
