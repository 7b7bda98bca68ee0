// Node build: the web shell and the CLI, with the worker entries beside them, as ES modules
// in one folder (workers are found next to the module that starts them).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  build: {
    ssr: true,
    outDir: resolve(root, 'out/node'),
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: {
      input: {
        server: resolve(root, 'src/server/main.ts'),
        cli: resolve(root, 'src/cli/main.ts'),
        'scan-worker': resolve(root, 'src/core/scan/scan-worker.ts'),
        'store-worker': resolve(root, 'src/core/store/store-worker.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
