//go:build unix

package termstyle

import (
	"os"

	"golang.org/x/sys/unix"
)

// termWidth asks the terminal behind f for its columns (0: not one).
func termWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 0
	}
	return int(ws.Col)
}
