// NearestIndex answers exactly what nearest() answers, for any set of paths.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { propertyRuns } from '../property-runs';
import { NearestIndex } from '../../../server/src/core/nearest-index';
import { nearest } from '../../../server/src/core/summaries';

const seg = fc.constantFrom('arch', 'x86', 'arm', 'kernel', 'xen', 'smp.c', 'a.c', 'b.h', 'drivers');
const filePath = fc.array(seg, { minLength: 1, maxLength: 5 }).map((p) => '/' + p.join('/'));

test('NearestIndex.nearestTo equals nearest() over the same files', () => {
  fc.assert(
    fc.property(fc.array(filePath, { maxLength: 12 }), filePath, (files, q) => {
      const want = [...new Set(nearest(files, (f) => f, q))].sort();
      assert.deepEqual(new NearestIndex(files).nearestTo(q).sort(), want);
    }),
    propertyRuns(3000),
  );
});

test('a file is its own nearest', () => {
  const idx = new NearestIndex(['/arch/x86/xen/smp.c', '/arch/x86/kernel/smpboot.c', '/arch/arm/kernel/smp.c']);
  assert.deepEqual(idx.nearestTo('/arch/x86/xen/smp.c'), ['/arch/x86/xen/smp.c']);
  assert.deepEqual(idx.nearestTo('/arch/x86/xen/enlighten.c'), ['/arch/x86/xen/smp.c']);
  assert.deepEqual(idx.nearestTo('/arch/x86/mm/init.c').sort(), ['/arch/x86/kernel/smpboot.c', '/arch/x86/xen/smp.c']);
});
