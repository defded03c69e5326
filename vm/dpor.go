package vm

// dpor will be the partial-order reduced search; until then it is dfs.
func (x *explorer) dpor() { x.dfs() }
