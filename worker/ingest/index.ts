import { addressCheckIngest } from './address-check.js';
import { flowsIngest } from './flows.js';
import { namesIngest } from './names.js';
import { operationIngest } from './operation.js';
import { portScanIngest } from './port-scan.js';
import { sweepIngest } from './sweep.js';
import { tracerouteIngest } from './traceroute.js';
import { trafficIngest } from './traffic.js';
import type { ResultIngest } from './types.js';

/** How the server stores each kind of result, one module each, chosen by the result's `kind`. */
export const resultIngests: ResultIngest[] = [sweepIngest, portScanIngest, namesIngest, tracerouteIngest, flowsIngest, operationIngest, addressCheckIngest, trafficIngest] as ResultIngest[];
