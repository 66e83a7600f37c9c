/** The name and message of the error a call that must fail throws; the test fails if it does not. */
export async function failureOf(send: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await send();
  } catch (error) {
    if (error instanceof Error) return { name: error.name, message: error.message };
    throw error;
  }
  throw new Error('expected the call to fail');
}
