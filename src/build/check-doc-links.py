#!/usr/bin/env python3
"""Checks that every relative link and #anchor in the project's Markdown resolves.

    python3 src/build/check-doc-links.py [FILE.md ...]     # default: README, BENCHMARKS, TESTING, docs/*.md

Anchors are GitHub's: the heading lower-cased, everything but letters, digits, '_', '-' and spaces
dropped, spaces turned into '-', repeats numbered -1, -2, ... Links inside code (fenced or indented
blocks, `spans`) are not links and are skipped; http(s) and mailto links are not checked.
Exit status 1 when any link is broken, each printed as FILE:LINE: target (reason)."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
LINK = re.compile(r'\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')


def lines_outside_code(text):
    fenced, prev_blank = False, True
    for number, line in enumerate(text.split('\n'), 1):
        if line.lstrip().startswith('```'):
            fenced = not fenced
            continue
        indented = line.startswith('    ') and not line.lstrip().startswith(('-', '*', '|'))
        if not fenced and not (indented and prev_blank):
            yield number, line
        # an indented block runs on over its own lines
        prev_blank = (line.strip() == '') or (indented and prev_blank)


def slugs(path):
    seen, out = {}, set()
    for _, line in lines_outside_code(path.read_text(encoding='utf-8')):
        m = re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if not m:
            continue
        s = re.sub(r'[^\w\- ]', '', m.group(1).strip().lower()).replace(' ', '-')
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else f'{s}-{n}')
    return out


def main(argv):
    files = [pathlib.Path(a).resolve() for a in argv] or \
        [ROOT / 'README.md', ROOT / 'BENCHMARKS.md', ROOT / 'TESTING.md', *sorted((ROOT / 'docs').glob('*.md'))]
    broken, checked, cache = 0, 0, {}
    for f in files:
        for number, line in lines_outside_code(f.read_text(encoding='utf-8')):
            for target in LINK.findall(re.sub(r'`[^`]*`', '``', line)):
                if re.match(r'[a-z]+:', target):
                    continue
                checked += 1
                path, _, anchor = target.partition('#')
                dest = (f.parent / path).resolve() if path else f
                reason = None
                if not dest.exists():
                    reason = 'no such file'
                elif anchor and dest.suffix == '.md':
                    if dest not in cache:
                        cache[dest] = slugs(dest)
                    if anchor not in cache[dest]:
                        reason = f'no heading #{anchor} in {dest.relative_to(ROOT)}'
                if reason:
                    broken += 1
                    print(f'{f.relative_to(ROOT)}:{number}: {target} ({reason})')
    print(f'{checked} links checked in {len(files)} files, {broken} broken')
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
