"""The page's static assets: the chip click handler (``HIGHLIGHT_JS``) and the stylesheet (``CSS``).

``HIGHLIGHT_JS`` is one delegated click handler: a citation chip's fragment names the
paragraph and the quote's UTF-16 span (see ``render``), and the handler scrolls there and
marks the quote. ``CSS`` styles chips, answers and the article pane with system fonts only
(the page loads nothing from outside the server). No Python logic lives here.
"""

HIGHLIGHT_JS = r"""
() => {
  if (window.__footnote) return;
  window.__footnote = true;
  const mark = (cls, s) => { const m = document.createElement('mark'); m.className = cls; m.textContent = s; return m; };
  // A paragraph's text is its .fn-text pieces joined by one line break (¶0: title, dateline).
  const paint = (para, focus) => {
    const spans = (para.dataset.quotes || '').split(',').filter(Boolean).map(s => s.split('-').map(Number));
    let base = 0;
    for (const el of para.querySelectorAll('.fn-text')) {
      const text = el.textContent;
      const local = sp => [Math.max(sp[0] - base, 0), Math.min(sp[1] - base, text.length)];
      const mine = spans.map(local).filter(sp => sp[0] < sp[1]);
      const f = focus ? local(focus) : null;
      const fl = f && f[0] < f[1] ? f : null;
      const cuts = new Set([0, text.length]);
      for (const s of mine.concat(fl ? [fl] : [])) { cuts.add(s[0]); cuts.add(s[1]); }
      const b = [...cuts].sort((x, y) => x - y);
      const parts = [];
      for (let i = 0; i + 1 < b.length; i++) {
        const s = text.slice(b[i], b[i + 1]);
        const inside = sp => sp && sp[0] <= b[i] && b[i + 1] <= sp[1];
        if (inside(fl)) parts.push(mark('fn-focus', s));
        else if (mine.some(inside)) parts.push(mark('fn-quote', s));
        else parts.push(document.createTextNode(s));
      }
      el.replaceChildren(...parts);
      base += text.length + 1;
    }
  };
  const show = (href) => {
    const m = /^#(fn-p-[A-Za-z0-9_-]+?-\d+)(?:~(\d+)-(\d+))?$/.exec(href || '');
    const para = m && document.getElementById(m[1]);
    if (!para) return false;
    document.querySelectorAll('.fn-para.fn-active').forEach(p => { p.classList.remove('fn-active'); paint(p, null); });
    paint(para, m[2] === undefined ? null : [Number(m[2]), Number(m[3])]);
    para.classList.add('fn-active');
    // Scroll only the article pane (not the whole page) to centre the paragraph.
    let sc = para.parentElement;
    while (sc && !(sc.scrollHeight > sc.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(sc).overflowY))) sc = sc.parentElement;
    if (sc && sc !== document.documentElement && sc !== document.body) {
      const pr = para.getBoundingClientRect(), sr = sc.getBoundingClientRect();
      sc.scrollBy({top: pr.top - sr.top - Math.max(0, (sr.height - pr.height) / 2), behavior: 'smooth'});
    } else {
      para.scrollIntoView({block: 'center', behavior: 'smooth'});
    }
    return true;
  };
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.fn-chip, a.fn-num');
    if (a && show(a.getAttribute('href'))) e.preventDefault();
  }, true);
}
"""

CSS = """
.fn-chip { display: inline-block; padding: 0 .45em; margin: 0 .1em; border-radius: 999px;
  background: var(--color-accent-soft, #e0e7ff); color: var(--color-accent, #3730a3) !important;
  border: 1px solid var(--color-accent, #6366f1); font-size: .85em; font-weight: 600;
  text-decoration: none !important; cursor: pointer; white-space: nowrap; }
.fn-chip:hover { filter: brightness(0.92); }
.fn-chip.fn-unsupported { background: #fef3c7; color: #92400e !important; border-style: dashed;
  border-color: #d97706; }
.fn-chip.fn-removed { background: #fee2e2; color: #991b1b !important; border-color: #dc2626;
  text-decoration: line-through !important; cursor: help; }
.fn-chip.fn-considered { background: transparent; font-weight: 500; }
.fn-abstain { font-style: italic; color: var(--body-text-color-subdued, #6b7280);
  border-left: 3px solid #9ca3af; padding-left: .6em; }
.fn-abstain-icon { font-style: normal; font-weight: 700; }
.fn-considered-list, .fn-sources, .fn-not-answer, .fn-checked { margin-top: .4em; font-size: .9em;
  color: var(--body-text-color-subdued, #6b7280); }
.fn-warning { margin-top: .4em; font-size: .9em; color: #92400e; }
.fn-warning ul { margin: .2em 0 0 1.2em; }
.fn-notice { margin-top: .3em; font-size: .9em; color: #b45309; }
.fn-status { font-size: .9em; color: var(--body-text-color-subdued, #6b7280); padding: .2em .4em; }
.fn-msg { padding: .4em .6em; border-radius: 6px; font-size: .95em; }
.fn-msg-ok { background: #dcfce7; color: #166534; }
.fn-msg-error { background: #fee2e2; color: #991b1b; }
.fn-msg-info { background: #e0f2fe; color: #075985; }
.fn-article-pane { line-height: 1.55; }
.fn-title { font-size: 1.25em; margin: 0 0 .2em 0; }
.fn-date { color: var(--body-text-color-subdued, #6b7280); font-size: .9em; margin-bottom: .6em; }
.fn-section { font-size: 1.02em; margin: .9em 0 .3em 0; }
.fn-para { padding: .35em .5em; border-radius: 6px; border-left: 3px solid transparent;
  margin: .3em 0; transition: background .3s; }
.fn-para.fn-cited { border-left-color: var(--color-accent, #6366f1);
  background: var(--color-accent-soft, #eef2ff); }
.fn-para.fn-active { outline: 2px solid var(--color-accent, #6366f1); }
.fn-num { font-weight: 700; margin-right: .3em; text-decoration: none !important;
  color: var(--color-accent, #4f46e5) !important; }
.fn-para.fn-weak { border-left: 3px dashed #d97706; background: #fffbeb; }
.fn-weak-badge { background: #d97706 !important; }
.fn-cited-badge { font-size: .7em; text-transform: uppercase; letter-spacing: .05em;
  background: var(--color-accent, #6366f1); color: white; border-radius: 4px; padding: 0 .35em;
  margin-right: .3em; vertical-align: middle; }
mark.fn-quote { background: #fef08a; color: #111827; border-radius: 2px; }
mark.fn-focus { background: #facc15; color: black; border-radius: 2px;
  box-shadow: 0 0 0 2px #f59e0b; }
.fn-cursor { opacity: .6; }
#fn-article { max-height: 70vh; overflow-y: auto; }
"""
