// Placeholder until issue 5 lands: the API helper replaces this file.
export const handler = async (): Promise<{ loaded: number }> => ({ loaded: 0 });
