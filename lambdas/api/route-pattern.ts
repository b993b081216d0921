/**
 * `/users/{userId}/recommendations` → `^/users/([^/]*)/recommendations$`: an empty
 * parameter still matches its route, so `/users//recommendations` is a bad id (400), not a missing route.
 */
export const routePattern = (template: string): RegExp =>
  new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]*)').replace(/\//g, '\\/')}$`);

/** A path segment decoded, or undefined when it is not valid percent-encoding. */
export const safeDecode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};
