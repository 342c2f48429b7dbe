/**
 * The Code tool's examples: real KafkaJS 2.2.4 code, run unmodified against the simulated cluster.
 * Brokers are `broker-1:9092`, `broker-2:9092`, …; each example creates the topics it uses.
 */
export interface CodeExample {
  id: string;
  title: string;
  code: string;
}

const HEAD = (clientId: string) => `const { Kafka } = require('kafkajs')

const kafka = new Kafka({ clientId: '${clientId}', brokers: ['broker-1:9092'] })
`;

const CREATE = (topics: string) => `
const admin = kafka.admin()
await admin.connect()
await admin.createTopics({ topics: [${topics}] })
await admin.disconnect()
`;

export const EXAMPLES: readonly CodeExample[] = [
  {
    id: 'producer',
    title: 'Producer with acks',
    code: `// A producer that waits until every in-sync replica has each record (acks: -1, "all").
${HEAD('code-producer')}${CREATE("{ topic: 'orders', numPartitions: 3, replicationFactor: 3 }")}
const producer = kafka.producer()
await producer.connect()
for (let i = 1; i <= 3; i++) {
  const [result] = await producer.send({
    topic: 'orders',
    acks: -1,
    messages: [{ key: \`customer-\${i}\`, value: \`order \${i}\` }],
  })
  console.log(\`order \${i} → partition \${result.partition}, offset \${result.baseOffset}\`)
}
await producer.disconnect()
`,
  },
  {
    id: 'consumer',
    title: 'Consumer group (eachMessage)',
    code: `// A consumer in group "code-readers": it joins, gets partitions assigned, and reads.
${HEAD('code-consumer')}${CREATE("{ topic: 'orders', numPartitions: 3, replicationFactor: 3 }")}
const producer = kafka.producer()
await producer.connect()
await producer.send({
  topic: 'orders',
  messages: [{ key: 'alice', value: 'book' }, { key: 'bob', value: 'lamp' }],
})
await producer.disconnect()

const consumer = kafka.consumer({ groupId: 'code-readers' })
await consumer.connect()
await consumer.subscribe({ topics: ['orders'], fromBeginning: true })
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    console.log(\`\${topic}[\${partition}] offset \${message.offset}: \${message.key} = \${message.value}\`)
  },
})
// run() returns at once: the consumer keeps fetching until you press Stop.
`,
  },
  {
    id: 'transaction',
    title: 'Transaction with sendOffsets',
    code: `// Read-process-write, exactly once: the output record and the input offset commit together.
${HEAD('code-txn')}${CREATE(
      "{ topic: 'orders', numPartitions: 1, replicationFactor: 3 }, { topic: 'payments', numPartitions: 1, replicationFactor: 3 }",
    )}
const producer = kafka.producer({ transactionalId: 'payment-writer', idempotent: true, maxInFlightRequests: 1 })
await producer.connect()
const txn = await producer.transaction()
try {
  await txn.send({ topic: 'payments', messages: [{ key: 'alice', value: 'paid 10' }] })
  await txn.sendOffsets({
    consumerGroupId: 'payment-processor',
    topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '1' }] }],
  })
  await txn.commit()
  console.log('committed: the payment and the offset of the order it came from')
} catch (e) {
  await txn.abort()
  throw e
}
await producer.disconnect()
`,
  },
  {
    id: 'admin',
    title: 'Admin createTopics',
    code: `// The admin client: create a topic, then ask the cluster where its partitions live.
${HEAD('code-admin')}
const admin = kafka.admin()
await admin.connect()
const created = await admin.createTopics({
  topics: [{ topic: 'clicks', numPartitions: 4, replicationFactor: 3 }],
})
console.log(created ? 'created topic clicks' : 'topic clicks already exists')
const { topics } = await admin.fetchTopicMetadata({ topics: ['clicks'] })
for (const p of topics[0].partitions) {
  console.log(\`clicks[\${p.partitionId}]: leader broker \${p.leader}, replicas \${p.replicas}, in sync \${p.isr}\`)
}
await admin.disconnect()
`,
  },
];
