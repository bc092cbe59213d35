import { z } from 'zod';

/** An address as text on the wire (IPv4 or IPv6). */
export const ipText = z.string().min(2).max(64);
export const subnetId = z.number().int().positive();
/** "scan now" job ids: UUIDs from the server. */
export const jobId = z.string().min(1).max(64);
