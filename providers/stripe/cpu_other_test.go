//go:build !unix

package stripe

import "time"

// processCPU reports that this process's CPU time is not known here.
func processCPU() (time.Duration, bool) { return 0, false }
