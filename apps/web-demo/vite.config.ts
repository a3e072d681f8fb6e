import { defineConfig } from 'vite';

// SharedArrayBuffer exists only on cross-origin isolated pages: the dev server
// and `vite preview` send the two headers (a production host must as well).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
