import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Built into dist/, which zizhu-gateway serves (--console-dir); the API is
// same-origin (/api/v1), so no proxy or CORS is involved.
export default defineConfig({
  plugins: [vue()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The libraries in chunks of their own: cached apart from the console's code.
    rollupOptions: { output: { manualChunks: { echarts: ['echarts'], 'element-plus': ['element-plus'], vue: ['vue', 'vue-router'] } } },
    chunkSizeWarningLimit: 1200,
  },
})
