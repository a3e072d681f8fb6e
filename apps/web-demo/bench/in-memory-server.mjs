// The benches' page server: a few files held in memory, served on a free port
// of 127.0.0.1 (Chromium's module workers need http, not file:).
import { createServer } from 'node:http';

/**
 * Serves `files` ({ '/path': [content type, body] }); anything else is a 404.
 * Returns the server's base URL and a close().
 */
export async function serveFiles(files) {
  const server = createServer((req, res) => {
    const f = Object.hasOwn(files, req.url) ? files[req.url] : undefined;
    res.writeHead(f === undefined ? 404 : 200, f === undefined ? {} : { 'content-type': f[0] });
    res.end(f?.[1]);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}
