export * from './auth.js';
export * from './history.js';
export * from './ipam.js';
export * from './probes.js';
export * from './audit.js';
export * from './ports.js';
export * from './jobs.js';
export * from './alerts.js';
