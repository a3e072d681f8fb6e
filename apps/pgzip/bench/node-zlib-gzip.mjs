#!/usr/bin/env node
// The single-threaded peer of the benchmark: Node's own zlib.createGzip in a
// stream pipeline, file to standard output. Usage: node node-zlib-gzip.mjs LEVEL FILE
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const [level, file] = process.argv.slice(2);
await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), createGzip({ level: Number(level) }), process.stdout);
