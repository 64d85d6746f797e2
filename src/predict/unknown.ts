/** Thrown by a module in a --check run when its outcome depends on what the model cannot know; the task is reported unknown. */
export class Unpredictable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Unpredictable';
  }
}
