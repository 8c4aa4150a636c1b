#!/usr/bin/env bash
# Regenerates the example CLIPER campaign in examples/campaign/ (4 tiny vertical clips + captions).
# Needs ffmpeg once, at authoring time only: `apt-get install -y ffmpeg`. Nothing at run time or in
# tests calls ffmpeg; the outputs are committed.
#
# Each clip: 720x1280 (9:16), 30 fps, 3.2-4 s (>= Instagram's 3 s minimum), H.264 High + AAC-LC 48 kHz
# mono, faststart (moov before mdat), ~10-50 KB. Different test patterns and tones so their sha256 differ.
set -euo pipefail
cd "$(dirname "$0")/../examples/campaign"
mkdir -p copys viral

make_clip() { # <out> <duration> <lavfi video source> <tone Hz>
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "$3" \
    -f lavfi -i "sine=frequency=$4:sample_rate=48000:duration=$2" \
    -t "$2" -r 30 -s 720x1280 -pix_fmt yuv420p \
    -c:v libx264 -profile:v high -preset veryslow -b:v 40k -maxrate 60k -bufsize 120k \
    -g 60 -flags +cgop -x264-params "keyint=60:min-keyint=60:scenecut=0" \
    -c:a aac -b:a 16k -ac 1 -ar 48000 \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
    -movflags +faststart "$1"
}

make_clip 1.mp4       4   "testsrc2=size=720x1280:rate=30"                    440
make_clip 2.mp4       3.5 "smptebars=size=720x1280:rate=30"                   523
make_clip viral/3.mp4 3.2 "mandelbrot=size=720x1280:rate=30"                  659
make_clip 4.mp4       3.6 "color=c=0x1e90ff:size=720x1280:rate=30,drawbox=x='mod(t*300,620)':y=500:w=100:h=100:color=white:t=fill" 784

ls -l ./*.mp4 viral/*.mp4
