// The grid's videos without the DOM: merging what the collector and the core found, one
// stream for a master and the variants a player requested, and how variants, bitrates,
// lengths and names are written. Playlists are read by the real core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlaylistInfo } from 'imago-wasm';
import type { CollectedVideo } from '../src/shared/collect.ts';
import { bitrateText, distinctStreams, durationText, mergeVideos, qualityChoices, streamName, variantLabel, videoExt, videoFileName } from '../src/grid/video.ts';
import { Found } from '../src/collector/found.ts';
import { videoKind } from '../src/collector/urls.ts';
import { core } from './grid-core.ts';

const MASTER = `#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"
low/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"
hd/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080
https://cdn.example/v/1080/index.m3u8
`;
const MEDIA = `#EXTM3U
#EXT-X-TARGETDURATION:4
#EXTINF:4.0,
a.ts
#EXTINF:4.0,
b.ts
#EXTINF:2.5,
c.ts
#EXT-X-ENDLIST
`;

const req = (url: string, order: number, kind: 'hls' | 'file' = 'hls'): CollectedVideo => ({ url, kind, source: 'resource', order });

test('a master and the variant its player requested are one stream; the master stays', () => {
  const m = 'https://h.example/v/master.m3u8';
  const videos = mergeVideos([{ page: 'https://h.example/watch', videos: [req(m, 0), req('https://h.example/v/hd/index.m3u8', 1), req('https://other.example/x.m3u8', 2)] }]);
  const infos = new Map<string, PlaylistInfo>([[m, core.readPlaylist(MASTER, m)], ['https://h.example/v/hd/index.m3u8', core.readPlaylist(MEDIA, 'https://h.example/v/hd/index.m3u8')]]);
  assert.deepEqual(
    distinctStreams(videos, infos).map((v) => v.url),
    [m, 'https://other.example/x.m3u8'],
  );
  // Not read (yet, or it failed): nothing is merged away.
  assert.equal(distinctStreams(videos, new Map()).length, 3);
});

test('the audio rendition a player requested is the master\'s stream too', () => {
  const m = 'https://h.example/v/master.m3u8';
  const withAudio = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",DEFAULT=YES,URI="audio/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,AUDIO="aud"
low/index.m3u8
`;
  const videos = mergeVideos([{ page: 'https://h.example/watch', videos: [req(m, 0), req('https://h.example/v/low/index.m3u8', 1), req('https://h.example/v/audio/en.m3u8', 2)] }]);
  const infos = new Map<string, PlaylistInfo>([[m, core.readPlaylist(withAudio, m)]]);
  assert.deepEqual(distinctStreams(videos, infos).map((v) => v.url), [m]);
});

test('a variant seen before its master (or on the <video>) gives the master its poster', () => {
  const m = 'https://h.example/v/master.m3u8';
  const variant: CollectedVideo = { url: 'https://h.example/v/low/index.m3u8', kind: 'hls', source: 'video', poster: 'https://h.example/p.jpg', order: 0 };
  const videos = mergeVideos([{ page: 'https://h.example/watch', videos: [variant, req(m, 1)] }]);
  const streams = distinctStreams(videos, new Map([[m, core.readPlaylist(MASTER, m)]]));
  assert.deepEqual(streams, [{ url: m, kind: 'hls', sources: ['resource', 'video'], poster: 'https://h.example/p.jpg', page: 'https://h.example/watch' }]);
});

test('each video once by URL across frames and the HTML, with what each source adds and the page it was first found in', () => {
  const frame1: CollectedVideo[] = [
    { url: 'https://h.example/a.mp4', kind: 'file', source: 'video', duration: 12.5, order: 1 },
    { url: 'https://h.example/v/../s.m3u8', kind: 'hls', source: 'resource', order: 0 },
  ];
  const frame2: CollectedVideo[] = [{ url: 'blob:https://h.example/1234', kind: 'file', source: 'video', order: 0 }];
  const html = core.videos('<video src="a.mp4" poster="a.jpg"></video><script>var s = "https://h.example/s.m3u8";</script>', 'https://h.example/p.html');
  const player = 'https://player.example/embed/1';
  assert.deepEqual(
    mergeVideos([
      { page: player, videos: frame1 },
      { page: 'https://h.example/p.html', videos: frame2 },
      { page: 'https://h.example/p.html', videos: html },
    ]),
    [
      { url: 'https://h.example/s.m3u8', kind: 'hls', sources: ['resource', 'script'], page: player },
      { url: 'https://h.example/a.mp4', kind: 'file', sources: ['video'], duration: 12.5, poster: 'https://h.example/a.jpg', page: player },
    ],
  );
});

test('variant lines, bitrates, quality choices, lengths', () => {
  const info = core.readPlaylist(MASTER, 'https://h.example/v/master.m3u8');
  assert.deepEqual(info.variants.map(variantLabel), ['1920×1080 · 5 Mb/s', '1280×720 · 2.5 Mb/s', '640×360 · 800 kb/s']);
  assert.deepEqual(qualityChoices(info.variants), ['best', '1080p', '720p', '360p']);
  assert.deepEqual(qualityChoices([{ height: 720 }, { height: 720 }, { height: null }]), ['best', '720p']);
  assert.equal(variantLabel({ width: null, height: null, bandwidth: 128000 }), '128 kb/s');
  assert.equal(variantLabel({ width: null, height: 480, bandwidth: 12_345_678 }), '480p · 12 Mb/s');
  assert.deepEqual([bitrateText(950), bitrateText(1000), bitrateText(1_250_000), bitrateText(0)], ['950 b/s', '1 kb/s', '1.3 Mb/s', '']);
  assert.equal(durationText(core.readPlaylist(MEDIA, 'https://h.example/v/hd/index.m3u8').duration), '0:11');
  assert.deepEqual([durationText(4), durationText(59.6), durationText(754), durationText(3725), durationText(null), durationText(Infinity)], ['0:04', '1:00', '12:34', '1:02:05', '', '']);
});

test('a stream is named by the template when it renders one plain .mp4 name, else by the helper', () => {
  const item = { url: 'https://h.example/shows/ep1/master.m3u8', pageUrl: 'https://h.example/watch', title: 'Episode 1', ext: 'mp4', width: 1280, height: 720 };
  const render = (template: string) => core.renderNames(template, '', [item], '2026-01-02')[0];
  assert.equal(streamName(render('{name}.{ext}')), 'master');
  assert.equal(streamName(render('{title}-{h}p.{ext}')), 'Episode 1-720p');
  assert.equal(streamName('a/b.mp4'), undefined);
  assert.equal(streamName('clip.jpg'), undefined);
  assert.equal(streamName('.mp4'), undefined);
  assert.equal(streamName(undefined), undefined);
  assert.equal(videoFileName('https://h.example/v/My%20clip.mp4?x=1'), 'My clip.mp4');
  assert.equal(videoFileName('https://h.example/'), 'video');
  // A file's {ext} from its URL (the core's own guess knows image types only).
  assert.deepEqual([videoExt('https://h/a/Clip.WebM?x=1'), videoExt('https://h/a/clip.mp4'), videoExt('https://h/play?id=1')], ['webm', 'mp4', undefined]);
  const file = { url: 'https://h/a/clip.webm', pageUrl: 'https://h/p', ext: videoExt('https://h/a/clip.webm') };
  assert.deepEqual(core.renderNames('{name}.{ext}', '', [file], '2026-01-02'), ['clip.webm']);
});

test('the collector: HLS and video files by extension, mpegurl, or MIME type; segments are not videos', () => {
  assert.equal(videoKind('https://h/a/master.m3u8?token=1'), 'hls');
  assert.equal(videoKind('https://h/manifest(format=m3u8-aapl)?type=application/x-mpegURL'), 'hls');
  assert.equal(videoKind('https://h/stream', 'application/vnd.apple.mpegurl'), 'hls');
  assert.equal(videoKind('https://h/clip.MP4'), 'file');
  assert.equal(videoKind('https://h/play?id=3', 'video/webm'), 'file');
  assert.equal(videoKind('https://h/seg-1.ts', 'video/mp2t'), undefined);
  assert.equal(videoKind('https://h/photo.jpg'), undefined);
  assert.equal(videoKind('blob:https://h/1234'), undefined);
  assert.equal(videoKind('data:video/mp4;base64,AAAA'), undefined);
});

test('the collector: each video URL once, http(s) only, the poster of the one MSE player goes to the requested streams', () => {
  const found = new Found(100, Date.now() + 1000);
  const el = {} as Element;
  found.addVideo('/v/clip.mp4', 'https://h/p', 'file', 'video', { duration: Infinity });
  found.addVideo('https://h/v/clip.mp4', 'https://h/p', 'file', 'source', { poster: 'https://h/c.jpg', duration: 3.5 });
  found.addVideo('blob:https://h/1', 'https://h/p', 'file', 'video');
  found.addVideo('https://h/photo.jpg', 'https://h/p', undefined, 'resource');
  found.addVideo('https://h/hls/master.m3u8', 'https://h/p', 'hls', 'resource');
  found.msePlayer(el, 'https://h/poster.png');
  found.msePlayer(el, 'https://h/poster.png'); // a second pass sees the same element
  assert.deepEqual(found.videoReport(), [
    { url: 'https://h/v/clip.mp4', kind: 'file', source: 'video', order: 0, poster: 'https://h/c.jpg', duration: 3.5 },
    { url: 'https://h/hls/master.m3u8', kind: 'hls', source: 'resource', order: 1, poster: 'https://h/poster.png' },
  ]);
  // Two MSE players: which stream is whose is unknown, so neither poster is given.
  const two = new Found(100, Date.now() + 1000);
  two.addVideo('https://h/a.m3u8', 'https://h/p', 'hls', 'resource');
  two.msePlayer({} as Element, 'https://h/1.png');
  two.msePlayer({} as Element, 'https://h/2.png');
  assert.equal(two.videoReport()[0]!.poster, undefined);
});
