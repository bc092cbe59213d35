// @ts-check
/** Light and dark follow the system (CSS); high contrast is a user choice kept in localStorage. */
const KEY = 'eipam-contrast';

export function applyContrast(high) {
  document.documentElement.dataset.contrast = high ? 'high' : 'normal';
  try {
    localStorage.setItem(KEY, high ? 'high' : 'normal');
  } catch {
    // storage may be disabled; the toggle still works for this page
  }
}

export function savedContrast() {
  try {
    return localStorage.getItem(KEY) === 'high';
  } catch {
    return false;
  }
}
