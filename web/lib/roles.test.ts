import { describe, expect, it } from 'vitest';
import { allows as serverAllows, lowerOf as serverLowerOf, ROLES as SERVER_ROLES } from '../../worker/auth/roles.js';
import { allows, lowerOf, ROLES, rolesUpTo } from './roles.js';

describe('roles in the UI', () => {
  it('lists the server roles in rank order', () => expect(ROLES).toEqual(SERVER_ROLES));

  it('agrees with the server on every pair', () => {
    for (const a of ROLES)
      for (const b of ROLES) {
        expect(allows(a, b), `${a} allows ${b}`).toBe(serverAllows(a, b));
        expect(lowerOf(a, b)).toBe(serverLowerOf(a, b));
      }
  });

  it.each([
    [undefined, 'viewer', false],
    [null, 'viewer', false],
    ['root', 'viewer', false],
    ['viewer', 'viewer', true],
    ['viewer', 'editor', false],
  ])('allows(%s, %s) = %s', (role, needed, ok) => expect(allows(role, needed)).toBe(ok));

  it.each([
    ['viewer', ['viewer']],
    ['editor', ['viewer', 'editor']],
    ['admin', ['viewer', 'editor', 'admin']],
    [undefined, []],
  ])('rolesUpTo(%s)', (role, list) => expect(rolesUpTo(role)).toEqual(list));
});
