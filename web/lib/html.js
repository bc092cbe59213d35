// @ts-check
import { h } from 'preact';
import htm from 'htm';

/** Tagged templates for preact components: html`<div>...</div>`. */
export const html = htm.bind(h);
