import { describe, expect, it } from 'vitest';
import { isTaskStep, nextStep, stepStates, taskVerdict } from './steps.js';

describe('nextStep', () => {
  it.each([
    ['allocate', 'create'],
    ['create', 'wait-create'],
    ['wait-create', 'configure'],
    ['configure', 'start'],
    ['start', 'wait-start'],
    ['wait-start', null],
  ] as const)('%s → %s', (step, next) => expect(nextStep(step)).toBe(next));

  it.each([
    ['wait-create', true],
    ['wait-start', true],
    ['create', false],
    ['configure', false],
  ] as const)('isTaskStep(%s) = %s', (step, yes) => expect(isTaskStep(step)).toBe(yes));
});

describe('taskVerdict', () => {
  it.each([
    [{ status: 'running' }, { done: false }],
    [{ status: 'running', exitstatus: 'OK' }, { done: false }],
    [{ status: 'stopped', exitstatus: 'OK' }, { done: true, ok: true, warnings: false }],
    [{ status: 'stopped', exitstatus: 'WARNINGS: 2' }, { done: true, ok: true, warnings: true }],
    [{ status: 'stopped', exitstatus: "unable to create VM 105 - storage 'local-lvm' does not exist" }, { done: true, ok: false, message: "unable to create VM 105 - storage 'local-lvm' does not exist" }],
    [{ status: 'stopped', exitstatus: 'job errors' }, { done: true, ok: false, message: 'job errors' }],
    [{ status: 'stopped' }, { done: true, ok: false, message: 'the task stopped without an exit status' }],
    [{ status: 'stopped', exitstatus: null }, { done: true, ok: false, message: 'the task stopped without an exit status' }],
  ])('%j', (status, verdict) => expect(taskVerdict(status)).toEqual(verdict));
});

describe('stepStates', () => {
  it('creating at configure: two done, configure running, the rest pending', () => {
    expect(stepStates('configure', 'creating').map((s) => s.state)).toEqual(['done', 'done', 'done', 'running', 'pending', 'pending']);
  });
  it('failed at create', () => expect(stepStates('create', 'failed').map((s) => s.state)).toEqual(['done', 'failed', 'pending', 'pending', 'pending', 'pending']));
  it('done: every step done', () => expect(stepStates('wait-start', 'done').every((s) => s.state === 'done')).toBe(true));
});
