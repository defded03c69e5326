package compiler

import (
	"errors"

	"github.com/mmuvm/mmuvm/vm"
)

// Listing is a program's disassembly as data (`mmuasm dis --json`): the
// same header and code as Disassemble prints, for tools.
type Listing struct {
	Test   string        `json:"test"`
	File   string        `json:"file"`
	Arches []string      `json:"arches"`
	Procs  []ProcListing `json:"procs"`
}

// ProcListing is one proc's code.
type ProcListing struct {
	Name   string        `json:"name"`
	Index  int           `json:"index"`
	Pos    string        `json:"pos,omitempty"`
	Params []string      `json:"params"`
	Locals []string      `json:"locals"`
	Code   []InstrRecord `json:"code"`
}

// InstrRecord is one instruction: its pc, op, operand as the listing
// shows it, and its source position (file:line).
type InstrRecord struct {
	PC      int    `json:"pc"`
	Op      string `json:"op"`
	Operand string `json:"operand,omitempty"`
	Pos     string `json:"pos,omitempty"`
}

// List returns the listing of p, or only of the procs named proc when
// proc is not "". Like Disassemble, it does not assume p was validated.
func List(p *vm.Program, proc string) (*Listing, error) {
	if p == nil {
		return nil, errors.New("disassemble: nil program")
	}
	procs, err := disSelect(p, proc)
	if err != nil {
		return nil, err
	}
	d := &disassembler{p: p, ext: mmubExtents(p)}
	l := &Listing{Test: p.Name, File: p.File, Arches: p.Arches, Procs: []ProcListing{}}
	for _, i := range procs {
		pr := p.Procs[i]
		pl := ProcListing{Name: pr.Name, Index: i, Pos: d.pos(pr.Pos), Code: []InstrRecord{}}
		pl.Params, pl.Locals = disSplitLocals(pr)
		start, end := d.extent(i)
		for pc := start; pc < end; pc++ {
			in := p.Code[pc]
			rec := InstrRecord{PC: pc, Op: in.Op.String(), Operand: d.operand(in, pr)}
			if pc < len(p.Pos) {
				rec.Pos = d.pos(p.Pos[pc])
			}
			pl.Code = append(pl.Code, rec)
		}
		l.Procs = append(l.Procs, pl)
	}
	return l, nil
}
