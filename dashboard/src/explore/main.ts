import { createApp } from 'vue';
import '../style.css';
import './explore.css';
import ExploreApp from './ExploreApp.vue';

createApp(ExploreApp).mount('#app');
