// The demo desk generator (issue 6).
