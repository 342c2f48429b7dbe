import { describeLogStore } from '../testing/log-store-contract';
import { MemoryLogStore } from './log-store';

describeLogStore('the in-memory log store', async () => new MemoryLogStore());
