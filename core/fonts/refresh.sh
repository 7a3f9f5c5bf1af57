#!/bin/sh
# Fetch the fonts the PDF summary embeds again, from the npm registry, and cut the
# Chinese font down to GB2312 (see README.md). Run from the repository root:
#   sh core/fonts/refresh.sh
set -eu
FONTS="$(cd "$(dirname "$0")" && pwd)"
PYTHON="${PYTHON:-$(pwd)/.venv/bin/python}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

unpack() {  # unpack <package>@<version> <folder>
    mkdir "$2"
    tar xzf "$(npm pack --silent "$1")" -C "$2"
}

unpack dejavu-fonts-ttf@2.37.3 dejavu
cp dejavu/package/ttf/DejaVuSans.ttf dejavu/package/ttf/DejaVuSans-Bold.ttf "$FONTS/"
cp dejavu/package/LICENSE "$FONTS/LICENSE-DejaVu.txt"

unpack @expo-google-fonts/noto-sans-devanagari@0.4.1 devanagari
cp devanagari/package/400Regular/NotoSansDevanagari_400Regular.ttf "$FONTS/NotoSansDevanagari-Regular.ttf"
cp devanagari/package/LICENSE_FONT "$FONTS/LICENSE-NotoSansDevanagari.txt"

unpack @expo-google-fonts/noto-sans-sc@0.4.3 chinese
cp chinese/package/LICENSE_FONT "$FONTS/LICENSE-NotoSansSC.txt"
# Every character of GB2312 (6,763 hanzi with its punctuation, kana, Greek and
# Cyrillic), CJK punctuation and the full-width forms: a quarter of the font's size.
"$PYTHON" - > gb2312.txt <<'PY'
points = set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
for high in range(0xA1, 0xF8):
    for low in range(0xA1, 0xFF):
        try:
            points.add(ord(bytes([high, low]).decode("gb2312")))
        except UnicodeDecodeError:
            pass
print(" ".join(f"U+{point:04X}" for point in sorted(points)))
PY
"$PYTHON" -m fontTools.subset chinese/package/400Regular/NotoSansSC_400Regular.ttf \
    --unicodes-file=gb2312.txt --layout-features='*' --name-IDs='*' --notdef-outline \
    --output-file="$FONTS/NotoSansSC-Regular-GB2312.ttf"
