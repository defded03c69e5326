//go:build js && wasm

// Command wasm is the playground's checker compiled to WebAssembly
// (GOOS=js GOARCH=wasm). It runs in a Web Worker: it defines
// mmuvmCheck(requestJSON, onProgress) → resultJSON and then tells the
// worker it is ready. A check runs synchronously in the worker, so the
// page stays responsive and Stop terminates the worker.
package main

import (
	"context"
	"encoding/json"
	"syscall/js"

	"github.com/mmuvm/mmuvm/playground/checker"
	"github.com/mmuvm/mmuvm/vm"
)

func main() {
	js.Global().Set("mmuvmCheck", js.FuncOf(check))
	if ready := js.Global().Get("mmuvmReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

func check(_ js.Value, args []js.Value) any {
	if len(args) < 1 {
		return `{"error":{"message":"mmuvmCheck(requestJSON, onProgress)"}}`
	}
	var req checker.Request
	if err := json.Unmarshal([]byte(args[0].String()), &req); err != nil {
		return `{"error":{"message":"bad request"}}`
	}
	var progress func(vm.Progress)
	if len(args) > 1 && args[1].Type() == js.TypeFunction {
		cb := args[1]
		progress = func(p vm.Progress) {
			cb.Invoke(p.Executions, p.States, p.Elapsed.Seconds(), p.Done)
		}
	}
	out, err := json.Marshal(checker.Check(context.Background(), req, progress))
	if err != nil {
		return `{"error":{"message":"internal error: ` + err.Error() + `"}}`
	}
	return string(out)
}
