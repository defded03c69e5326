package termstyle

import (
	"os"

	"golang.org/x/sys/windows"
)

// termWidth asks the console behind f for the columns of its window (0:
// not a console).
func termWidth(f *os.File) int {
	var info windows.ConsoleScreenBufferInfo
	if err := windows.GetConsoleScreenBufferInfo(windows.Handle(f.Fd()), &info); err != nil {
		return 0
	}
	return int(info.Window.Right-info.Window.Left) + 1
}
