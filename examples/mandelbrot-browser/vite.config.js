// SharedArrayBuffer needs a cross-origin isolated page: both headers, in dev and preview.
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default { server: { headers }, preview: { headers } };
