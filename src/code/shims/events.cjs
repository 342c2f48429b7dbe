/**
 * Node's `events` for KafkaJS in the Code tool's worker (bundled in place of the Node module by
 * the build's worker plugin, vite.config.ts): the EventEmitter methods KafkaJS calls. CommonJS,
 * because KafkaJS requires it both as the class and as `{ EventEmitter }`.
 */
'use strict';

class EventEmitter {
  constructor() {
    this._events = new Map();
  }
  on(name, fn) {
    const list = this._events.get(name) ?? [];
    list.push(fn);
    this._events.set(name, list);
    return this;
  }
  addListener(name, fn) {
    return this.on(name, fn);
  }
  prependListener(name, fn) {
    this._events.set(name, [fn, ...(this._events.get(name) ?? [])]);
    return this;
  }
  once(name, fn) {
    const wrapped = (...args) => {
      this.off(name, wrapped);
      fn.apply(this, args);
    };
    wrapped.listener = fn;
    return this.on(name, wrapped);
  }
  off(name, fn) {
    const list = this._events.get(name);
    if (!list) return this;
    const i = list.findIndex((l) => l === fn || l.listener === fn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this._events.delete(name);
    return this;
  }
  removeListener(name, fn) {
    return this.off(name, fn);
  }
  removeAllListeners(name) {
    if (name === undefined) this._events.clear();
    else this._events.delete(name);
    return this;
  }
  emit(name, ...args) {
    const list = this._events.get(name);
    if (!list || list.length === 0) {
      if (name === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
      return false;
    }
    for (const fn of [...list]) fn.apply(this, args);
    return true;
  }
  listeners(name) {
    return [...(this._events.get(name) ?? [])].map((l) => l.listener ?? l);
  }
  listenerCount(name) {
    return this._events.get(name)?.length ?? 0;
  }
  eventNames() {
    return [...this._events.keys()];
  }
  setMaxListeners() {
    return this;
  }
  getMaxListeners() {
    return Infinity;
  }
}

EventEmitter.EventEmitter = EventEmitter;
EventEmitter.default = EventEmitter;
module.exports = EventEmitter;
