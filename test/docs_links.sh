#!/bin/bash
# Every relative link of README.md and docs/*.md reaches a file (or folder) of the checkout, and every
# #anchor a heading of its target, named as GitHub names it. In TAP: one line per Markdown file, the
# broken links as comments under a "not ok". Run by test/run; needs only python3.
set -u
cd "$(dirname "$0")/.."
exec python3 - README.md docs/*.md <<'PY'
import os, re, sys, unicodedata

def slug(title):
    # GitHub: lower case, drop what is not a letter, digit, space, hyphen or underscore, spaces to hyphens.
    s = title.strip().lower()
    s = ''.join(c for c in s if c in ' -_' or unicodedata.category(c)[0] in 'LN')
    return s.replace(' ', '-')

def lines_of(path):
    # (line as written, line with inline code spans blanked) for each line outside fenced code blocks.
    out, fenced = [], False
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.lstrip().startswith('```'):
            fenced = not fenced
            continue
        if not fenced:
            out.append((line, re.sub(r'`[^`]*`', '``', line)))
    return out

anchors = {}
def anchors_of(path):
    # The anchors GitHub gives the headings of a file; a repeated heading gets -1, -2, ...
    if path not in anchors:
        seen, names = {}, set()
        for raw, _ in lines_of(path):
            m = re.match(r'^#{1,6} (.*?)\s*$', raw)
            if not m:
                continue
            base = slug(m.group(1).replace('`', '').replace('*', ''))
            k = seen.get(base, 0)
            seen[base] = k + 1
            names.add(base if k == 0 else '%s-%d' % (base, k))
        anchors[path] = names
    return anchors[path]

link = re.compile(r'!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+"[^"]*")?\)')
n = failed = 0
for md in sys.argv[1:]:
    base = os.path.dirname(md)
    broken, count = [], 0
    for _, line in lines_of(md):
        for m in link.finditer(line):
            target = m.group(1)
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):   # http:, https:, mailto:
                continue
            count += 1
            path, _, anchor = target.partition('#')
            full = os.path.normpath(os.path.join(base, path)) if path else md
            if not os.path.exists(full):
                broken.append('%s: no file %s' % (target, full))
            elif anchor and not full.endswith('.md'):
                broken.append('%s: anchor into a file that is not Markdown' % target)
            elif anchor and anchor not in anchors_of(full):
                broken.append('%s: no heading "#%s" in %s' % (target, anchor, full))
    n += 1
    if broken:
        failed += 1
        print('not ok %d - %s: %d of %d relative links broken' % (n, md, len(broken), count))
        for b in broken:
            print('#   ' + b)
    else:
        print('ok %d - %s: %d relative links resolve' % (n, md, count))
print('1..%d' % n)
sys.exit(1 if failed else 0)
PY
