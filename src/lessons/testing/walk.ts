/**
 * Walk a whole lesson on the real engine, step by step, the way a learner would: press the step's
 * buttons, answer its question, try a wrong solution to its challenge (which must be rejected with
 * the expected hint), then a right one (which must pass). Every step must complete within its time
 * limit, or the walk throws with the step and the machine's state.
 */
import type { Lesson } from '../lesson-types';
import { startHeadless, type HeadlessLesson } from './headless';

export interface StepPlan {
  /** Run before the buttons are pressed (e.g. let the step's onEnter commands settle). */
  before?: (h: HeadlessLesson) => void;
  /** Buttons to press, by action id (default: every action of the step, in order). */
  press?: string[];
  /** The prediction to pick (default: the first choice). */
  answer?: string;
  /** A wrong attempt at the challenge, and the hint it must get. */
  wrong?: (h: HeadlessLesson) => void;
  hint?: RegExp;
  /** A right solution to the challenge. */
  solve?: (h: HeadlessLesson) => void;
  /** Virtual ms the step may take (default 30 s). */
  maxMs?: number;
  /** Checks once the step is complete. */
  after?: (h: HeadlessLesson) => void;
}

export function walkLesson(lesson: Lesson, plans: Record<string, StepPlan> = {}): HeadlessLesson {
  const h = startHeadless(lesson);
  const inStep = () => h.actor.getSnapshot().matches('step');
  if (!h.runUntil(inStep, 30_000))
    throw new Error(`${lesson.id}: setup never finished (${JSON.stringify(h.stateValue())})`);
  lesson.steps.forEach((step, i) => {
    const plan = plans[step.id] ?? {};
    const where = `${lesson.id} step ${i + 1} (${step.id})`;
    if (h.index() !== i) throw new Error(`${where}: the machine is at step ${h.index() + 1}`);
    plan.before?.(h);
    for (const action of plan.press ?? step.actions?.map((a) => a.id) ?? [])
      h.send({ type: 'user.action', action });
    if (step.kind === 'predict') h.send({ type: 'user.answer', choice: plan.answer ?? step.choices[0]!.id });
    if (step.kind === 'challenge') {
      if (plan.wrong) {
        plan.wrong(h);
        h.send({ type: 'user.check' });
        const context = h.actor.getSnapshot().context;
        if (h.actor.getSnapshot().matches({ step: 'complete' }))
          throw new Error(`${where}: a wrong attempt passed`);
        if (plan.hint && !plan.hint.test(context.hint ?? ''))
          throw new Error(`${where}: hint "${context.hint}" does not match ${plan.hint}`);
      }
      plan.solve?.(h);
      h.runUntil(() => {
        h.send({ type: 'user.check' });
        return h.actor.getSnapshot().matches({ step: 'complete' });
      }, plan.maxMs ?? 30_000);
    }
    if (!h.untilComplete(plan.maxMs ?? 30_000)) {
      const context = h.actor.getSnapshot().context;
      throw new Error(
        `${where}: not complete (${JSON.stringify(h.stateValue())}; hint ${context.hint}; refused ${h.refused.join('; ')})`,
      );
    }
    plan.after?.(h);
    h.send({ type: 'user.next' });
  });
  if (!h.actor.getSnapshot().matches('finished'))
    throw new Error(`${lesson.id}: not finished after the last step`);
  return h;
}
