// The twq side of the no-op benchmark: one Int32 in, one Int32 out.
import { defineLayout, defineOps } from '@twq/core';

export const ops = defineOps({
  layout: defineLayout({ value: 'i32', result: 'i32' }),
  handle(request) {
    request.result = request.value + 1;
  },
});
