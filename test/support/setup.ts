// type-graphql reads decorator metadata through the reflect-metadata polyfill; load it once
// for every test file, exactly as src/main.ts does for the running service.
import 'reflect-metadata';
