// The playground's highlighter: the token classes of the TextMate grammar
// in editors/vscode/syntaxes/mmu.tmLanguage.json, on the same lexical
// rules as the language (lang/lexer.go). The Go test checks that every
// keyword of the language is in these lists.
(function () {
  const control = ["if", "else", "while", "for", "in", "break", "continue", "return", "assert", "await"];
  const types = ["shared", "task", "static_key", "table", "mm", "spinlock", "rwsem", "const", "proc"];
  const other = ["test", "arch", "model", "import", "init", "cpu", "irq", "final", "locations", "filter", "page_reuse",
    "expect", "lazy", "irqoff", "atomic", "preemptible", "exists", "forall", "true", "false"];
  const expectWords = ["ok", "fail"]; // words only on an expect line
  const cls = {};
  control.concat(other).forEach((w) => (cls[w] = "tok-kw"));
  types.forEach((w) => (cls[w] = "tok-type"));
  // sticky (y) expressions match at lastIndex: no copy of the rest of the
  // text per token
  const rules = [
    [/\/\/[^\n]*/y, "tok-com"],
    [/\/\*[\s\S]*?(\*\/|$)/y, "tok-com"],
    [/"(\\.|[^"\\\n])*"?/y, "tok-str"],
    [/[0-9]+:[A-Za-z_][A-Za-z0-9_]*/y, "tok-reg"],
    [/[0-9][0-9A-Za-z_]*/y, "tok-num"],
    [/[A-Za-z_][A-Za-z0-9_]*/y, "word"],
    [/[\s\S]/y, ""],
  ];
  const callAfter = /\s*\(/y;
  const assignAfter = /\s*=[^=]/y; // `table = …`: item words are names there
  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function isCall(text, at) {
    callAfter.lastIndex = at;
    return callAfter.test(text);
  }
  function assigned(text, at) {
    assignAfter.lastIndex = at;
    return assignAfter.test(text);
  }
  // mmuHighlight returns the text as HTML with a span per token class.
  window.mmuHighlight = function (text) {
    let out = "";
    let i = 0;
    while (i < text.length) {
      for (const [re, c] of rules) {
        re.lastIndex = i;
        const m = re.exec(text);
        if (!m) continue;
        let k = c;
        const t = m[0];
        if (k === "word") {
          const lineStart = text.lastIndexOf("\n", i - 1) + 1;
          const onExpect = /^\s*expect\b/.test(text.slice(lineStart, i + 1 + t.length));
          const item = types.includes(t) || other.includes(t);
          k = (item && assigned(text, i + t.length) ? "" : cls[t]) || (onExpect && expectWords.includes(t) ? "tok-kw" : "") || (/^(PAGE_[A-Z_]+|CONT_PTES)$/.test(t) ? "tok-const" : isCall(text, i + t.length) ? "tok-call" : "");
        }
        out += k ? `<span class="${k}">${esc(t)}</span>` : esc(t);
        i += t.length;
        break;
      }
    }
    return out;
  };
  window.mmuKeywords = control.concat(types, other, expectWords);
})();
