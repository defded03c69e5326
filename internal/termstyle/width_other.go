//go:build !unix && !windows

package termstyle

import "os"

// termWidth is 0 (never wrap) where there is no terminal to ask.
func termWidth(*os.File) int { return 0 }
