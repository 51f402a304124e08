#!/bin/sh
# Writes the source revision the build is made from into a properties file (argument 1), read by
# dev.mmgcn.cli.Version: `commit` (the full commit id), `modified` (true when tracked files differ from it
# or files git does not ignore are not committed), `commit_time`. Run by the build (pom.xml,
# generate-resources) in the project folder. Without git or outside a git checkout (a source tarball) the
# file says nothing, and the revision reads "unknown". Works in a linked worktree (git worktree add).
out="$1"
tmp="$out.tmp.$$"
mkdir -p "$(dirname "$out")"
{
  echo "# written by src/build/revision.sh at build time"
  # the project folder must be a checkout's top: a tarball unpacked inside another repository is not that one's
  if command -v git >/dev/null 2>&1 && [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ] \
      && commit="$(git rev-parse --verify -q HEAD 2>/dev/null)"; then
    echo "commit=$commit"
    if [ -z "$(git status --porcelain 2>/dev/null | head -n 1)" ]; then echo "modified=false"; else echo "modified=true"; fi
    echo "commit_time=$(git show -s --format=%cI HEAD 2>/dev/null)"
  fi
} > "$tmp" && mv -f "$tmp" "$out"
