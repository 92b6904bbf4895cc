export { SystemdErrorCode } from './errors.js';
export {
  createSystemdNotifier,
  type HealthProbe,
  outboxAnswers,
  type SystemdNotifier,
  type SystemdNotifierOptions,
} from './notifier.js';
export { type NotifyEnv, readNotifyEnv } from './notify-env.js';
