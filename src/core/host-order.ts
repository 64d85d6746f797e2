/** Host names in the order people count them: node2 before node10. */
export function byHostName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
