import { mount } from 'svelte';
import AppRoot from './ui/lessons/AppRoot.svelte';
import './ui/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(AppRoot, { target });
