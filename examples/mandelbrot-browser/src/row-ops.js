// One request renders one row; the page uses the layout, the workers the handler.
import { defineLayout, defineOps } from '@twq/browser';
import { WIDTH, renderRow } from './mandelbrot.js';

export const ops = defineOps({
  layout: defineLayout({ y: 'u32', row: { bytes: WIDTH } }),
  handle(request) {
    renderRow(request.y, request.row);
  },
});
