// The output formats on findings built by hand: exact text, the JSON contract, and the SARIF 2.1.0 shape.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import Ajv from 'ajv';
import type { Event, Finding, Span } from '../../../server/src/core/types';
import { formatText } from '../../../server/src/cli/format-text';
import { toJsonReport } from '../../../server/src/cli/format-json';
import { RULES, toSarif } from '../../../server/src/cli/format-sarif';

function span(startLine: number, startCol: number, endLine: number, endCol: number): Span {
  return { start: startLine * 100 + startCol, end: endLine * 100 + endCol, startLine, startCol, endLine, endCol };
}

function event(callee: string, s: Span): Event {
  return {
    role: 'online-sync', cpu: 'cpu', cpuText: 'cpu', callee, span: s, stmtSpan: s, callSite: 0, via: [callee],
    entry: { name: callee, kind: 'function', role: 'online-sync', cpuArg: 0, source: 'builtin' },
  };
}

const publish = span(4, 6, 4, 31);
const setup = span(5, 9, 5, 31);
const hp001: Finding = {
  code: 'HP001', severity: 'error', file: 'arch/x86/xen/smp.c', function: 'xen_hvm_cpu_up', functionSpan: span(1, 0, 7, 1),
  cpu: 'cpu', message: 'CPU `cpu` is published online by native_cpu_up() (line 5) before its IPI vectors are set up by xen_smp_intr_init() (line 6)',
  span: publish, related: [{ file: 'arch/x86/xen/smp.c', span: setup, message: 'IPI set-up of CPU `cpu` happens here, too late' }],
  primary: event('native_cpu_up', publish), other: event('xen_smp_intr_init', setup), side: 'bp', witness: [],
};
const hp002: Finding = { ...hp001, code: 'HP002', severity: 'warning', file: '/abs/dir/b.c', message: 'multi\nline', related: [] };

test('text is gcc-style with 1-based positions and the code at the end', () => {
  assert.equal(formatText([hp001, hp002]),
    'arch/x86/xen/smp.c:5:7: error: CPU `cpu` is published online by native_cpu_up() (line 5) before its IPI vectors are set up by xen_smp_intr_init() (line 6) [HP001]\n' +
    '/abs/dir/b.c:5:7: warning: multi line [HP002]\n');
  assert.equal(formatText([]), '');
});

test('json follows the version 1 contract', () => {
  const report = toJsonReport([hp001], { files: 3, functions: 7, ms: 12 });
  assert.deepEqual(report, {
    version: 1,
    findings: [{
      file: 'arch/x86/xen/smp.c', line: 5, column: 7, endLine: 5, endColumn: 32, code: 'HP001', severity: 'error',
      function: 'xen_hvm_cpu_up', cpu: 'cpu', message: hp001.message,
      related: [{ file: 'arch/x86/xen/smp.c', line: 6, column: 10, message: 'IPI set-up of CPU `cpu` happens here, too late' }],
    }],
    stats: { files: 3, functions: 7, ms: 12 },
  });
  assert.deepEqual(Object.keys(report.findings[0]), ['file', 'line', 'column', 'endLine', 'endColumn', 'code', 'severity', 'function', 'cpu', 'message', 'related']);
});

// The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) that code scanning relies on.
const SARIF_SHAPE = {
  type: 'object',
  required: ['version', 'runs', '$schema'],
  properties: {
    version: { const: '2.1.0' },
    runs: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['tool', 'results'],
        properties: {
          tool: {
            type: 'object', required: ['driver'],
            properties: {
              driver: {
                type: 'object', required: ['name', 'rules'],
                properties: {
                  name: { type: 'string' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object', required: ['id', 'name', 'shortDescription', 'fullDescription', 'helpUri', 'defaultConfiguration'],
                      properties: {
                        id: { type: 'string', pattern: '^HP\\d{3}$' },
                        shortDescription: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
                        fullDescription: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
                        helpUri: { type: 'string', pattern: '^[a-z]+:' },
                        defaultConfiguration: { type: 'object', properties: { level: { enum: ['none', 'note', 'warning', 'error'] } } },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object', required: ['ruleId', 'message', 'locations'],
              properties: {
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message: { type: 'object', required: ['text'] },
                locations: {
                  type: 'array', minItems: 1,
                  items: {
                    type: 'object', required: ['physicalLocation'],
                    properties: {
                      physicalLocation: {
                        type: 'object', required: ['artifactLocation', 'region'],
                        properties: {
                          artifactLocation: { type: 'object', required: ['uri'], properties: { uri: { type: 'string' } } },
                          region: {
                            type: 'object', required: ['startLine'],
                            properties: { startLine: { type: 'integer', minimum: 1 }, startColumn: { type: 'integer', minimum: 1 } },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

test('sarif has the 2.1.0 shape, rule metadata and consistent rule indexes', () => {
  const log = toSarif([hp001, hp002]);
  const validate = new Ajv({ strict: false }).compile(SARIF_SHAPE);
  assert.ok(validate(log), JSON.stringify(validate.errors));
  const run = log.runs[0];
  assert.deepEqual(run.tool.driver.rules!.map((r) => r.id), RULES.map((r) => r.id));
  assert.equal(run.tool.driver.rules![0].name, 'online-before-ipi-setup');
  assert.match(run.tool.driver.rules![0].helpUri!, /docs\/rules\/HP001\.md$/);
  const [r1, r2] = run.results!;
  assert.equal(run.tool.driver.rules![r1.ruleIndex!].id, 'HP001');
  assert.equal(run.tool.driver.rules![r2.ruleIndex!].id, 'HP002');
  assert.equal(r1.level, 'error');
  assert.equal(r2.level, 'warning');
  assert.deepEqual(r1.locations![0].physicalLocation!.region, { startLine: 5, startColumn: 7, endLine: 5, endColumn: 32 });
  assert.equal(r1.locations![0].physicalLocation!.artifactLocation!.uri, 'arch/x86/xen/smp.c');
  assert.equal(r2.locations![0].physicalLocation!.artifactLocation!.uri, 'file:///abs/dir/b.c');
  assert.equal(r1.relatedLocations![0].physicalLocation!.region!.startLine, 6);
  assert.equal(r1.locations![0].logicalLocations![0].name, 'xen_hvm_cpu_up');
});

test('sarif of no findings is still a valid log with the rules', () => {
  const log = toSarif([]);
  assert.deepEqual(log.runs[0].results, []);
  assert.equal(log.runs[0].tool.driver.rules!.length, RULES.length);
});
