package editors

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/lang"
)

// TestGrammarCoversKeywords: every keyword of the language is highlighted
// by the TextMate grammar and the Vim syntax file.
func TestGrammarCoversKeywords(t *testing.T) {
	raw, err := os.ReadFile("vscode/syntaxes/mmu.tmLanguage.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Repository map[string]struct {
			Patterns []struct{ Name, Match string } `json:"patterns"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("the grammar is not JSON: %v", err)
	}
	// Go's regexp has no lookahead: the `(?!\s*=[^=])` that leaves
	// `table = …` alone is dropped here, and checked in vim and the page.
	lookahead := regexp.MustCompile(`\(\?!.*\)$`)
	var keyword []*regexp.Regexp
	for _, p := range g.Repository["keywords"].Patterns {
		keyword = append(keyword, regexp.MustCompile(lookahead.ReplaceAllString(p.Match, "")))
	}
	for _, p := range g.Repository["constants"].Patterns {
		keyword = append(keyword, regexp.MustCompile(p.Match))
	}
	var expect []*regexp.Regexp
	for _, p := range g.Repository["expect"].Patterns {
		if strings.HasPrefix(p.Name, "keyword") {
			expect = append(expect, regexp.MustCompile(p.Match))
		}
	}
	vim, err := os.ReadFile("vim/syntax/mmu.vim")
	if err != nil {
		t.Fatal(err)
	}
	vimWords := map[string]bool{}
	for _, l := range strings.Split(string(vim), "\n") {
		if !strings.HasPrefix(l, "syn ") {
			continue
		}
		for _, w := range regexp.MustCompile(`[a-z_]+`).FindAllString(l, -1) {
			vimWords[w] = true
		}
	}
	for _, kw := range append(append(append([]string{}, lang.ItemKeywords...), lang.StmtKeywords...), lang.ExpectKeywords...) {
		matched := false
		res := keyword
		if slices.Contains(lang.ExpectKeywords, kw) {
			res = expect // only on an expect line
		}
		for _, re := range res {
			if re.FindString(kw) == kw {
				matched = true
			}
		}
		if !matched {
			t.Errorf("the TextMate grammar does not highlight %q", kw)
		}
		if !vimWords[kw] {
			t.Errorf("the Vim syntax does not highlight %q", kw)
		}
	}
}

func TestVSCodeManifest(t *testing.T) {
	raw, err := os.ReadFile("vscode/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Contributes struct {
			Grammars []struct{ Path string } `json:"grammars"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, g := range m.Contributes.Grammars {
		if _, err := os.Stat("vscode/" + g.Path); err != nil {
			t.Errorf("package.json names a missing grammar: %v", err)
		}
	}
	if _, err := os.ReadFile("vscode/language-configuration.json"); err != nil {
		t.Error(err)
	}
}
