#!/usr/bin/env node
/** The `chorus` command. */
console.log('chorus: the live demo arrives with the stream core (see README).');
