#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildDefaultApp } from './default-app';

const app = new App();
buildDefaultApp(app);
app.synth();
